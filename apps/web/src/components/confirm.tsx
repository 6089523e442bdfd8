// Asking before a destructive admin action: a modal <dialog> in the page (focus moves into it, Escape and
// Cancel keep everything as it was), never window.confirm, which a page cannot style or label.
import { type ReactNode, useCallback, useEffect, useId, useRef, useState } from 'react';

export interface Confirmation {
  /** The question, e.g. "Delete “Maps”?". */
  title: string;
  /** What happens, in one or two sentences. */
  body: ReactNode;
  /** The button that does it, e.g. "Delete category". */
  action: string;
}

interface Pending extends Confirmation {
  answer: (yes: boolean) => void;
}

/** `confirm(…)` resolves true only when the person presses the action button; render `dialog` once. */
export function useConfirm(): { confirm: (question: Confirmation) => Promise<boolean>; dialog: ReactNode } {
  const [pending, setPending] = useState<Pending | null>(null);
  const confirm = useCallback(
    (question: Confirmation) =>
      new Promise<boolean>((resolve) => {
        setPending({
          ...question,
          answer: (yes) => {
            setPending(null);
            resolve(yes);
          },
        });
      }),
    [],
  );
  return { confirm, dialog: pending ? <ConfirmDialog {...pending} /> : null };
}

function ConfirmDialog({ title, body, action, answer }: Pending) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      className="confirm"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      // Escape closes a modal dialog by itself: that is a "no".
      onCancel={(event) => {
        event.preventDefault();
        answer(false);
      }}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      <div id={`${id}-body`}>{body}</div>
      <div className="actions">
        {/* Cancel takes the focus: Enter on an unread dialog must not destroy anything. */}
        {/* biome-ignore lint/a11y/noAutofocus: a modal dialog moves the focus into itself, to its safe choice */}
        <button type="button" className="secondary" autoFocus onClick={() => answer(false)}>
          Cancel
        </button>
        <button type="button" className="danger strong" onClick={() => answer(true)}>
          {action}
        </button>
      </div>
    </dialog>
  );
}
