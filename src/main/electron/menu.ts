import { Menu, type MenuItemConstructorOptions } from 'electron';

/**
 * A short menu: the platform's usual app/edit/window entries (Edit is what
 * makes copy and paste shortcuts work on macOS) and the developer tools only
 * when running from a checkout.
 */
export function installMenu(platform: NodeJS.Platform, developer: boolean): void {
  const view: MenuItemConstructorOptions[] = [
    { role: 'reload' },
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  if (developer) view.push({ type: 'separator' }, { role: 'toggleDevTools' });

  const template: MenuItemConstructorOptions[] = [
    ...(platform === 'darwin' ? [{ role: 'appMenu' } as const] : [{ role: 'fileMenu' } as const]),
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
