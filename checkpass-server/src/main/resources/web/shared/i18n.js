// Korean and English for every page: elements carry data-i18n="key" (text) or data-i18n-placeholder="key"; the
// page passes its dictionary; the choice is kept in localStorage and toggled by the #lang button.

const KEY = 'checkpass.lang';
let dictionary = {};
let current = localStorage.getItem(KEY) || ((navigator.language || 'ko').startsWith('ko') ? 'ko' : 'en');
const listeners = [];

export function lang() {
  return current;
}

/** The text for key in the current language, with {name} placeholders filled from vars. */
export function t(key, vars = {}) {
  const entry = dictionary[key];
  const text = entry ? entry[current === 'ko' ? 0 : 1] : key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? vars[name] : m));
}

/** Picks the Korean or English member of a {ko, en} object. */
export function pick(texts) {
  return texts ? texts[current] || texts.en || texts.ko || '' : '';
}

/** The text for key in both languages, as {ko, en}, for showText. */
export function both(key, vars = {}) {
  const entry = dictionary[key] || [key, key];
  const fill = (text) => text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? vars[name] : m));
  return { ko: fill(entry[0]), en: fill(entry[1]) };
}

/**
 * Shows a {ko, en} text (an explained error, a status) in an element, in the current language; the language switch
 * redraws it, so dynamic text never stays in the other language. An empty or null text clears the element.
 */
export function showText(el, texts) {
  if (!texts) {
    delete el.dataset.textKo;
    delete el.dataset.textEn;
    el.textContent = '';
    return;
  }
  el.dataset.textKo = texts.ko;
  el.dataset.textEn = texts.en;
  el.textContent = pick(texts);
}

export function apply(root = document) {
  document.documentElement.lang = current;
  root.querySelectorAll('[data-text-ko]').forEach((el) => { el.textContent = current === 'ko' ? el.dataset.textKo : el.dataset.textEn; });
  root.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
  root.querySelectorAll('[data-i18n-label]').forEach((el) => el.setAttribute('aria-label', t(el.dataset.i18nLabel)));
  root.querySelectorAll('[data-i18n-placeholder]').forEach((el) => { el.placeholder = t(el.dataset.i18nPlaceholder); });
  const button = document.getElementById('lang');
  if (button) button.textContent = current === 'ko' ? 'English' : '한국어';
}

/** Installs the page's dictionary and the switch; onChange runs after every switch (to redraw dynamic text). */
export function setupLanguage(pageDictionary, onChange) {
  dictionary = { ...pageDictionary };
  if (onChange) listeners.push(onChange);
  const button = document.getElementById('lang');
  if (button) {
    button.addEventListener('click', () => {
      current = current === 'ko' ? 'en' : 'ko';
      localStorage.setItem(KEY, current);
      apply();
      listeners.forEach((f) => f());
    });
  }
  apply();
}
