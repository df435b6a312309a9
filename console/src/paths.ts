/** Links inside the app (use with <Link to=…>; the basename is added by the router). */
export const paths = {
  glance: "/",
  flow: (code: string) => `/flows/${encodeURIComponent(code)}`,
  releases: (code: string) => `/flows/${encodeURIComponent(code)}/releases`,
  accessCodes: "/access-codes",
  intents: "/intents",
  faq: "/faq",
  users: "/users",
  signIn: "/sign-in",
};
