import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { pagePolicy } from './src/shared/page-policy';

/**
 * The page's CSP as a meta tag: the Electron policy in the build, the dev
 * server's in `electron-vite dev`. Browser mode's host replaces it with a
 * header of its own (src/main/host/server.ts).
 */
function contentSecurityPolicy(): Plugin {
  let development = false;
  return {
    name: 'tidemark-content-security-policy',
    configResolved(config) {
      development = config.command === 'serve';
    },
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: {
          'http-equiv': 'Content-Security-Policy',
          content: pagePolicy({ kind: development ? 'development' : 'electron' }),
        },
        injectTo: 'head-prepend',
      },
    ],
  };
}

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          // The Electron shell.
          index: resolve(__dirname, 'src/main/index.ts'),
          // Browser mode: the same services and router behind the local host.
          serve: resolve(__dirname, 'src/main/host/serve.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
    plugins: [react(), contentSecurityPolicy()],
  },
});
