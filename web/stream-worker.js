// The SharedWorker that gives all tabs of this browser one event stream per
// room (browsers allow only six HTTP/1.1 connections per origin, so one
// EventSource per tab would starve the eighth tab). All logic is in
// stream-core.js, which the page also runs itself where SharedWorker is
// missing.

import { Hub } from "./stream-core.js";

const hub = new Hub({ prune: true });

self.addEventListener("connect", (event) => {
  const port = event.ports[0];
  hub.attach(port);
  port.addEventListener("message", (m) => hub.onMessage(port, m.data));
  port.start();
});
