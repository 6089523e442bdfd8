// The bearer token lives in sessionStorage: it survives a reload and client-side navigation in this tab,
// is not shared with other tabs, and is gone when the tab closes. Like any storage script can read, it is
// exposed to an XSS bug on this origin; the page renders no HTML from data (React escapes everything).
const KEY = 'shop.token';

export const readToken = (): string | null => window.sessionStorage.getItem(KEY);
export const writeToken = (token: string | null) => {
  if (token) window.sessionStorage.setItem(KEY, token);
  else window.sessionStorage.removeItem(KEY);
};
