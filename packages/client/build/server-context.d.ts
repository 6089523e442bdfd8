// The server's request context and procedure metadata, as the published client declares them: a client never
// reads either, so they stay opaque (the server's own types name the ORM, the logger and the REST metadata).
export type Context = object;
export type Meta = object;
