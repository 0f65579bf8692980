/**
 * How a headless dashboard page proves it belongs to the owner (or a paired LAN device),
 * shared by the agent's HTTP server and the renderer's transport.
 *
 * The token travels in the URL fragment (`/#token=…`), which browsers never send to a
 * server, so it reaches no request line, log or proxy. The page keeps it in sessionStorage
 * (per tab and per origin — port included) and sends it:
 *  - on calls as `Authorization: Bearer <token>`;
 *  - on the event WebSocket as a second offered subprotocol, `rigshift.token.<token>`
 *    (browsers cannot set other headers on a WebSocket; the server answers with
 *    EVENTS_PROTOCOL, never echoing the token).
 * No cookie carries it: cookies are not scoped by port, so any other server on 127.0.0.1
 * would receive one.
 */
export const TOKEN_FRAGMENT_KEY = 'token';
export const EVENTS_PROTOCOL = 'rigshift.events';
export const TOKEN_PROTOCOL_PREFIX = 'rigshift.token.';

/** The link to open: the page with the token in the fragment. */
export const dashboardLink = (origin: string, token: string): string => `${origin}/#${TOKEN_FRAGMENT_KEY}=${token}`;

/** The subprotocols a page offers when it opens the event socket. */
export const eventSocketProtocols = (token: string): string[] => [EVENTS_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${token}`];
