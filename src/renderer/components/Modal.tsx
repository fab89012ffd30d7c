import './Modal.css';
import { type ReactNode, useLayoutEffect, useRef } from 'react';

/**
 * A native modal <dialog>: the page behind it is inert (focus stays in it), focus
 * is restored by the browser, Escape closes it. Opened on mount, closed on unmount.
 */
export function Modal({
  titleId,
  onClose,
  children,
  className,
}: {
  titleId: string;
  onClose: () => void;
  children: ReactNode;
  className?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  // A layout effect: its cleanup runs while the dialog is still in the page, so close() gives focus
  // back to where it was (a dialog removed while open just drops focus to <body>).
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) {
      dialog.showModal();
      // showModal focuses the first control; a dialog names a safer first one (Cancel) with data-autofocus.
      dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    }
    return () => {
      if (dialog?.open) dialog.close();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className={`modal ${className ?? ''}`}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      // Chromium may close a dialog on Escape without a cancel event (a second Escape with no user
      // activation in between): the owner is told all the same, or it would stay open but unseen.
      onClose={() => {
        if (ref.current?.isConnected) onClose();
      }}
    >
      {children}
    </dialog>
  );
}
