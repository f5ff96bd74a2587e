/**
 * The copy buttons of the proposed changes' patches (changes.ts renders them hidden; the class
 * `can-copy` on the root shows them once this is wired). One listener on the document serves every
 * button, those cloned into the side panel included: nothing runs per patch when the page loads.
 */
export function wireCopyButtons(): void {
  document.documentElement.classList.add('can-copy');
  document.addEventListener('click', (event) => {
    const target = event.target;
    if (!(target instanceof Element)) return;
    const button = target.closest('button.copy-patch');
    const code = button?.closest('.patch')?.querySelector('pre.diff code');
    if (!(button instanceof HTMLButtonElement) || !code) return;
    void copyText(patchText(code)).then((copied) => {
      if (!copied) document.getSelection()?.selectAllChildren(code); // the reader can still press Ctrl+C
      if (copied) tell(button, 'Copied', 'Patch copied to the clipboard');
      else tell(button, 'Copy failed', 'Copy failed: the patch is selected, copy it with Ctrl+C');
    });
  });
}

/**
 * The patch as it was rendered from: the text of its lines, each marked character (`.cc`, shown as
 * its name such as CR) given back as the character its `data-c` names.
 */
function patchText(code: Element): string {
  let text = '';
  const walk = (node: Node): void => {
    for (const child of node.childNodes) {
      if (child instanceof Element && child.classList.contains('cc')) text += String.fromCharCode(Number(child.getAttribute('data-c')));
      else if (child.nodeType === Node.TEXT_NODE) text += child.nodeValue ?? '';
      else walk(child);
    }
  };
  walk(code);
  return text;
}

/** The Clipboard API where the page may use it; else (a file:// page, a browser that refuses) the selection of a hidden textarea. */
async function copyText(text: string): Promise<boolean> {
  if (typeof navigator.clipboard?.writeText === 'function') {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // refused (no permission, not a secure context): the older way below still works from a click
    }
  }
  return copyBySelection(text);
}

function copyBySelection(text: string): boolean {
  const area = document.createElement('textarea');
  area.value = text;
  area.readOnly = true;
  area.tabIndex = -1;
  area.className = 'copy-buffer';
  area.setAttribute('aria-hidden', 'true');
  // a textarea's value has its CRs made line feeds: the copy event puts the exact text on the clipboard
  const exact = (event: ClipboardEvent): void => {
    if (!event.clipboardData) return;
    event.clipboardData.setData('text/plain', text);
    event.preventDefault();
  };
  const focused = document.activeElement;
  document.addEventListener('copy', exact);
  document.body.appendChild(area);
  area.select();
  try {
    // deprecated, and the only way left where the Clipboard API is not offered
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    document.removeEventListener('copy', exact);
    area.remove();
    if (focused instanceof HTMLElement) focused.focus();
  }
}

const restore = new WeakMap<HTMLButtonElement, { label: string; timer: number }>();

/** Says what happened on the button and in the status beside it, then puts the button's label back. */
function tell(button: HTMLButtonElement, word: string, message: string): void {
  const previous = restore.get(button);
  if (previous) clearTimeout(previous.timer);
  const label = previous?.label ?? button.textContent ?? '';
  const status = button.parentElement?.querySelector('.copy-status');
  button.textContent = word;
  if (status) status.textContent = message;
  const timer = window.setTimeout(() => {
    button.textContent = label;
    if (status) status.textContent = '';
    restore.delete(button);
  }, 2000);
  restore.set(button, { label, timer });
}
