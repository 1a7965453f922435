// Pages render in the browser only: a link's secret lives in the URL fragment, which a
// server never sees, and each person's language comes from their own browser.
export const ssr = false;
export const prerender = false;
