import { createStore } from 'zustand/vanilla';
import {
  PROFILES_FILE_MAX_BYTES,
  type ProfileFileImport,
  profilesFileTooLarge,
} from '../../shared/profile-transfer';
import type { AppErrorData } from '../../shared/result';
import type { RendererClient } from '../client';
import { downloadBlob } from '../lib/export';

export type ProfileTransferState = {
  exporting: boolean;
  /** The last export: how many profiles, under which file name. */
  exported: { count: number; fileName: string } | null;
  /** The file picked for import and main's dry run of it, shown before anything is saved. */
  picked: { fileName: string; text: string; preview: ProfileFileImport } | null;
  /** What the import did. */
  result: ProfileFileImport | null;
  busy: boolean;
  error: AppErrorData | null;

  exportFile(): Promise<void>;
  pick(file: File): Promise<void>;
  confirm(): Promise<void>;
  cancel(): void;
};

export type ProfileTransferStore = ReturnType<typeof createProfileTransferStore>;

const refusedFile = (message: string): AppErrorData => ({ code: 'invalid_input', message });

/**
 * Settings → Profiles in and out. The export is saved like a chart's CSV (the
 * Electron shell's save dialog, the browser's download); the import file is read
 * in the page and checked by main, which shows a dry run before saving.
 */
export function createProfileTransferStore(client: RendererClient) {
  return createStore<ProfileTransferState>()((set, get) => ({
    exporting: false,
    exported: null,
    picked: null,
    result: null,
    busy: false,
    error: null,

    async exportFile() {
      set({ exporting: true, error: null });
      const result = await client.invoke('profiles:export', {});
      if (!result.ok) {
        set({ exporting: false, error: result.error });
        return;
      }
      const fileName = `tidemark-profiles-${result.value.exportedAt.slice(0, 10)}.json`;
      const text = `${JSON.stringify(result.value, null, 2)}\n`;
      downloadBlob(new Blob([text], { type: 'application/json' }), fileName);
      set({ exporting: false, exported: { count: result.value.profiles.length, fileName } });
    },

    async pick(file) {
      set({ picked: null, result: null, error: null });
      // Checked here too: a file main would refuse is not sent over the socket at all.
      if (file.size > PROFILES_FILE_MAX_BYTES) {
        set({
          error: refusedFile(profilesFileTooLarge(file.name)),
        });
        return;
      }
      set({ busy: true });
      const text = await file.text();
      const preview = await client.invoke('profiles:importFile', { text, dryRun: true });
      if (preview.ok) set({ busy: false, picked: { fileName: file.name, text, preview: preview.value } });
      else set({ busy: false, error: preview.error });
    },

    async confirm() {
      const picked = get().picked;
      if (!picked || get().busy) return;
      set({ busy: true, error: null });
      const result = await client.invoke('profiles:importFile', { text: picked.text, dryRun: false });
      if (result.ok) set({ busy: false, picked: null, result: result.value });
      else set({ busy: false, error: result.error });
    },

    cancel() {
      set({ picked: null, result: null, error: null });
    },
  }));
}
