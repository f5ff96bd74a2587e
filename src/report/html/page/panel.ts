import { byId } from './dom.js';

/**
 * The side panel: filled from a `<template>` escaped at render time (the script never builds markup
 * from data). While it is open the body has `panel-open`, and on wide screens the page makes room
 * for it beside the map (style.ts) rather than under it, so the lit path stays in sight.
 */
export interface Panel {
  open(templateId: string, from: Element): void;
  /** Closes the panel and returns focus to what opened it; true when it was open. */
  close(): boolean;
}

export function panelOf(): Panel {
  const panel = document.getElementById('panel');
  const body = document.getElementById('panel-body');
  // the element focus returns to: the first opener outside the panel (moving between panels keeps it)
  let opener: Element | null = null;
  return {
    open(templateId, from) {
      const template = byId(templateId, HTMLTemplateElement);
      if (!template || !panel || !body) return;
      body.textContent = '';
      body.appendChild(template.content.cloneNode(true));
      const title = body.querySelector('.panel-title');
      if (title) {
        title.id = 'panel-title';
        panel.setAttribute('aria-labelledby', 'panel-title');
      }
      panel.hidden = false;
      document.body.classList.add('panel-open');
      body.scrollTop = 0;
      if (!opener || !panel.contains(from)) opener = from;
      if (title instanceof HTMLElement || title instanceof SVGElement) title.focus();
    },
    close() {
      if (!panel || panel.hidden) return false;
      panel.hidden = true;
      document.body.classList.remove('panel-open');
      const back = opener;
      opener = null;
      if ((back instanceof HTMLElement || back instanceof SVGElement) && document.contains(back)) back.focus();
      return true;
    },
  };
}
