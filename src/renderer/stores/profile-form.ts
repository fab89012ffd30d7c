import { createStore } from 'zustand/vanilla';
import { formatBytesExact, parseSize } from '../../shared/bytes';
import type {
  ConnectionTestResult,
  PasswordMode,
  Profile,
  ProfileInput,
  SshSecretMode,
  SslMode,
} from '../../shared/profile';
import type { AppErrorData } from '../../shared/result';
import type { RendererClient } from '../client';
import { numberField, optionalNumberField } from '../lib/form-number';
import type { NavigationStore } from './navigation';
import type { ProfilesStore } from './profiles';
import type { UnlockStore } from './unlock';

/** What the DBA typed, exactly as typed: numbers stay strings until main validates them. */
export type Draft = {
  name: string;
  host: string;
  port: string;
  database: string;
  user: string;
  sslmode: SslMode;
  sslRootCert: string;
  sslCert: string;
  sslKey: string;
  connectTimeoutSec: string;
  statementTimeoutMs: string;
  poolSize: string;
  passwordMode: PasswordMode;
  allowCleartextPassword: boolean;
  /** Comma- or space-separated, as typed. */
  tags: string;
  /** "500 GiB", "2TiB", or blank for not given. */
  diskSize: string;
  sshHost: string;
  sshPort: string;
  sshUser: string;
  sshKeyFile: string;
  sshSecretMode: SshSecretMode;
};
export type DraftField = keyof Draft;

/** Fields whose change makes an earlier test result say nothing about the draft. */
const connectionFields: ReadonlySet<DraftField> = new Set([
  'host',
  'port',
  'database',
  'user',
  'sslmode',
  'sslRootCert',
  'sslCert',
  'sslKey',
  'passwordMode',
  'allowCleartextPassword',
  'sshHost',
  'sshPort',
  'sshUser',
  'sshKeyFile',
  'sshSecretMode',
]);

export const emptyDraft: Draft = {
  name: '',
  host: '',
  port: '5432',
  database: 'postgres',
  user: '',
  sslmode: 'prefer',
  sslRootCert: '',
  sslCert: '',
  sslKey: '',
  connectTimeoutSec: '10',
  statementTimeoutMs: '15000',
  poolSize: '2',
  passwordMode: 'store',
  allowCleartextPassword: false,
  tags: '',
  diskSize: '',
  sshHost: '',
  sshPort: '',
  sshUser: '',
  sshKeyFile: '',
  sshSecretMode: 'none',
};

export function draftFromProfile(p: Profile): Draft {
  return {
    name: p.name,
    host: p.host,
    port: String(p.port),
    database: p.database,
    user: p.user,
    sslmode: p.sslmode,
    sslRootCert: p.sslRootCert ?? '',
    sslCert: p.sslCert ?? '',
    sslKey: p.sslKey ?? '',
    connectTimeoutSec: String(p.connectTimeoutSec),
    statementTimeoutMs: String(p.statementTimeoutMs),
    poolSize: String(p.poolSize),
    passwordMode: p.passwordMode,
    allowCleartextPassword: p.allowCleartextPassword ?? false,
    tags: p.tags.join(', '),
    diskSize: p.diskBytes === null ? '' : formatBytesExact(p.diskBytes),
    sshHost: p.sshHost ?? '',
    sshPort: p.sshPort === undefined ? '' : String(p.sshPort),
    sshUser: p.sshUser ?? '',
    sshKeyFile: p.sshKeyFile ?? '',
    sshSecretMode: p.sshSecretMode,
  };
}

const blankToUndefined = (v: string) => (v.trim() === '' ? undefined : v);

/** The request body. Numbers become numbers here; main's schema explains what is wrong with them. */
export function inputFromDraft(d: Draft, password?: string, sshSecret?: string): ProfileInput {
  return {
    name: d.name,
    host: d.host,
    port: numberField(d.port),
    database: d.database,
    user: d.user,
    sslmode: d.sslmode,
    sslRootCert: blankToUndefined(d.sslRootCert),
    sslCert: blankToUndefined(d.sslCert),
    sslKey: blankToUndefined(d.sslKey),
    connectTimeoutSec: optionalNumberField(d.connectTimeoutSec),
    statementTimeoutMs: optionalNumberField(d.statementTimeoutMs),
    poolSize: optionalNumberField(d.poolSize),
    passwordMode: d.passwordMode,
    allowCleartextPassword: d.allowCleartextPassword,
    tags: d.tags.split(/[\s,]+/).filter((t) => t !== ''),
    // A size the parser cannot read goes as typed, for main's schema to say what is wrong with it.
    diskBytes: d.diskSize.trim() === '' ? null : (parseSize(d.diskSize) as number),
    sshHost: blankToUndefined(d.sshHost),
    sshPort: optionalNumberField(d.sshPort),
    sshUser: blankToUndefined(d.sshUser),
    sshKeyFile: blankToUndefined(d.sshKeyFile),
    sshSecretMode: d.sshSecretMode,
    ...(password ? { password } : {}),
    ...(sshSecret && d.sshSecretMode !== 'none' ? { sshSecret } : {}),
  };
}

export type FormProblem = { title: string; error: AppErrorData };

export type ProfileFormState = {
  /** null for a new profile. */
  editing: Profile | null;
  /** The profile a new one is copied from: its stored secrets are kept by main if not typed again. */
  copyOf: Profile | null;
  draft: Draft;
  /** Messages from main, keyed by ProfileInput field name. */
  fieldErrors: Record<string, string>;
  problem: FormProblem | null;
  uri: string;
  uriError: string | null;
  parsingUri: boolean;
  testing: boolean;
  testResult: ConnectionTestResult | null;
  saving: boolean;
  /** The SSH passphrase as typed, like the password input's value: sent with test/save, never stored here after. */
  sshSecret: string;
  setSshSecret(secret: string): void;

  startNew(): void;
  startEdit(profile: Profile): void;
  /** An unsaved copy of a profile, saved as a new one (its stored secrets stay in main and go with the copy). */
  startCopy(profile: Profile): void;
  setField<K extends DraftField>(field: K, value: Draft[K]): void;
  /** For inputs that are not part of the draft (the password). */
  clearFieldError(field: string): void;
  setUri(uri: string): void;
  /** Fills the fields from the pasted URI. Returns a password found in it, for the form's own field. */
  applyUri(): Promise<{ password?: string } | null>;
  /** acceptHostKey: a new SSH host key's fingerprint the DBA chose to trust. */
  test(password?: string, acceptHostKey?: string): Promise<void>;
  save(password?: string): Promise<Profile | null>;
  cancel(): void;
};

export type ProfileFormStore = ReturnType<typeof createProfileFormStore>;

type Deps = {
  client: RendererClient;
  profiles: ProfilesStore;
  navigation: NavigationStore;
  unlock: UnlockStore;
};

const initial = {
  editing: null,
  copyOf: null,
  draft: emptyDraft,
  fieldErrors: {},
  problem: null,
  uri: '',
  uriError: null,
  parsingUri: false,
  testing: false,
  testResult: null,
  saving: false,
  sshSecret: '',
} satisfies Partial<ProfileFormState>;

/**
 * The profile form. The password is deliberately not part of this state: the
 * form component keeps it in its input and hands it to test()/save().
 */
export function createProfileFormStore({ client, profiles, navigation, unlock }: Deps) {
  return createStore<ProfileFormState>()((set, get) => ({
    ...initial,

    startNew() {
      set({ ...initial });
    },

    startEdit(profile) {
      set({ ...initial, editing: profile, draft: draftFromProfile(profile) });
    },

    startCopy(profile) {
      set({
        ...initial,
        copyOf: profile,
        draft: { ...draftFromProfile(profile), name: `${profile.name} (copy)` },
      });
    },

    setField(field, value) {
      set((s) => {
        const { [field]: _cleared, ...fieldErrors } = s.fieldErrors;
        return {
          draft: { ...s.draft, [field]: value },
          fieldErrors,
          testResult: connectionFields.has(field) ? null : s.testResult,
        };
      });
    },

    clearFieldError(field) {
      set((s) => {
        if (!(field in s.fieldErrors)) return s;
        const { [field]: _cleared, ...fieldErrors } = s.fieldErrors;
        return { fieldErrors };
      });
    },

    setSshSecret(sshSecret) {
      set((s) => {
        const { sshSecret: _cleared, ...fieldErrors } = s.fieldErrors;
        return { sshSecret, fieldErrors, testResult: null };
      });
    },

    setUri(uri) {
      set({ uri, uriError: null });
    },

    async applyUri() {
      set({ parsingUri: true, uriError: null });
      const result = await client.invoke('profiles:parseUri', { uri: get().uri });
      if (!result.ok) {
        set({ parsingUri: false, uriError: result.error.fields?.uri ?? result.error.message });
        return null;
      }
      // A URI cannot say how the password is kept, and the response carries the schema's
      // default for it: the DBA's choice stays, unless the URI holds a password to store.
      const { password, passwordMode: _ignored, ...parsed } = result.value;
      const draft = { ...get().draft };
      const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
      // Text fields only: how the password is sent is the DBA's choice, as above.
      const texts = draft as Record<DraftField, unknown>;
      for (const key of Object.keys(draft) as DraftField[]) {
        if (typeof texts[key] !== 'string') continue;
        const value = str(parsed[key as keyof typeof parsed]);
        if (value !== undefined) texts[key] = value;
      }
      if (!draft.name.trim() && draft.host) draft.name = `${draft.host}/${draft.database}`;
      if (password) draft.passwordMode = 'store';
      set({ draft, parsingUri: false, uri: '', fieldErrors: {}, problem: null, testResult: null });
      return password ? { password } : {};
    },

    async test(password, acceptHostKey) {
      const { draft, editing, copyOf, sshSecret } = get();
      set({ testing: true, problem: null });
      const secretsOf = editing ?? copyOf;
      const send = (pw?: string) =>
        client.invoke('profiles:test', {
          draft: inputFromDraft(draft, pw, sshSecret),
          ...(secretsOf ? { draftOf: secretsOf.id } : {}),
          ...(acceptHostKey ? { acceptHostKey } : {}),
        });
      let result = await send(draft.passwordMode === 'store' ? password : undefined);
      if (
        result.ok &&
        !result.value.ok &&
        result.value.reason === 'no_password' &&
        draft.passwordMode === 'ask'
      ) {
        const once = await unlock
          .getState()
          .askOnce(
            `Password for ${draft.user || 'this user'}@${draft.host || 'the server'}`,
            'Used for this test only. Tidemark asks again when it connects after a restart.',
          );
        if (once === null) {
          set({ testing: false });
          return;
        }
        result = await send(once);
      }
      if (!result.ok) {
        set({
          testing: false,
          testResult: null,
          fieldErrors: result.error.fields ?? {},
          problem: { title: 'The connection could not be tested', error: result.error },
        });
        return;
      }
      set({ testing: false, testResult: result.value, fieldErrors: {} });
    },

    async save(password) {
      const { draft, editing, copyOf, testResult, sshSecret } = get();
      set({ saving: true, problem: null });
      const input = inputFromDraft(
        draft,
        draft.passwordMode === 'store' ? password : undefined,
        draft.sshSecretMode === 'store' ? sshSecret : undefined,
      );
      const result = editing
        ? await client.invoke('profiles:update', { id: editing.id, input })
        : await client.invoke('profiles:create', copyOf ? { ...input, secretsFrom: copyOf.id } : input);
      if (!result.ok) {
        set({
          saving: false,
          fieldErrors: result.error.fields ?? {},
          problem: { title: 'The profile was not saved', error: result.error },
        });
        return null;
      }
      const saved = result.value;
      profiles.getState().upsert(saved);
      if (testResult) profiles.getState().recordTest(saved.id, testResult);
      set({ ...initial });
      // A new server opens on its storage (what the DBA added it for); an edit goes back to its connection.
      const base = `/profiles/${encodeURIComponent(saved.id)}`;
      navigation.getState().navigate(editing ? base : `${base}/storage`);
      return saved;
    },

    cancel() {
      const { editing } = get();
      set({ ...initial });
      navigation.getState().navigate(editing ? `/profiles/${encodeURIComponent(editing.id)}` : '/');
    },
  }));
}
