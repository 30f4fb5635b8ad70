/*
 * Small DOM helpers. Every value goes into the page as text (textContent), never as HTML.
 */
/* global document, Node */
/** The element with this id. */
export const byId = (id) => document.getElementById(id);

/** An element with a class and text (or children). */
export function el(tag, className, content) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (Array.isArray(content)) node.append(...content);
  else if (content !== undefined && content !== null) node.textContent = String(content);
  return node;
}

/** A coloured badge for a state (`completed`, `failed`, `active`, ...); the CSS colours it by class. */
export function pill(text) {
  return el('span', `pill pill-${text}`, text);
}

/** A table cell holding text or one element. */
export function cell(content, className) {
  return el('td', className, content instanceof Node ? [content] : content);
}
