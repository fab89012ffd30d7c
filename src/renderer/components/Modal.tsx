import { type ReactNode, useEffect, useRef } from 'react';

/**
 * A native modal <dialog>: focus is trapped and restored by the browser, Escape
 * closes it. Opened on mount, closed on unmount.
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
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
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
    >
      {children}
    </dialog>
  );
}
