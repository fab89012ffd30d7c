import type { AppInfo } from '../../shared/contract';
import type { HandlersFor } from '../router';
import type { Services } from '../services';

export function appHandlers(
  s: Services,
  info: { version: string; notices: AppInfo['notices'] },
): HandlersFor<'app:getInfo'> {
  return {
    'app:getInfo': () => ({
      version: info.version,
      mode: s.mode,
      dataDir: s.dataDir,
      secretStorage: {
        backend: s.secretStore.backend,
        strong: s.secretStore.strong,
        note: s.secretStore.note,
      },
      notices: info.notices,
    }),
  };
}
