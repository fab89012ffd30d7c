import './zod-setup';
import './styles/index.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, StartupError } from './App';
import { selectClient } from './client';
import { applyTheme, cachedTheme } from './lib/theme';
import { createStores, StoresProvider, startStores } from './stores';

applyTheme(cachedTheme());
const root = createRoot(document.getElementById('root')!);
const choice = selectClient(window);

if (choice.ok) {
  const stores = createStores(choice.client, window);
  startStores(choice.client, stores);
  root.render(
    <StrictMode>
      <StoresProvider stores={stores}>
        <App />
      </StoresProvider>
    </StrictMode>,
  );
} else {
  root.render(<StartupError message={choice.message} />);
}
