import type { StorageChannel } from '../../shared/channels/storage';
import { AppError } from '../errors';
import type { HandlersFor } from '../router';
import type { Services } from '../services';

const notYet = () => {
  throw new AppError('unsupported', 'This part of Tidemark is being built.');
};

/** Placeholder until the storage services are wired (same issue). */
export function storageHandlers(_s: Services): HandlersFor<StorageChannel> {
  return {
    'storage:overview': notYet,
    'storage:children': notYet,
    'storage:sampleNow': notYet,
    'storage:series': notYet,
    'storage:topGrowers': notYet,
    'storage:growth': notYet,
    'schedule:get': notYet,
    'schedule:set': notYet,
    'settings:get': notYet,
    'settings:update': notYet,
    'health:overview': notYet,
    'health:profile': notYet,
    'demo:start': notYet,
    'demo:status': notYet,
  };
}
