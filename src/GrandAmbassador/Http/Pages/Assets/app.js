// The endpoints page: renders /api/names and keeps it current from /api/events (server-sent events).
// With --http-token, it asks for the token once, keeps it in sessionStorage, sends it as a bearer
// header on fetch, and signs in with it (POST /api/login sets a cookie, which EventSource sends).
"use strict";
const $ = (id) => document.getElementById(id);
const tokenKey = "grand-ambassador-token";
let events = null;

function authHeaders() {
  const token = sessionStorage.getItem(tokenKey);
  return token ? { Authorization: "Bearer " + token } : {};
}

async function api(method, path, body) {
  const init = { method, headers: { ...authHeaders() } };
  if (body !== undefined) { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
  return fetch(path, init);
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(String(child ?? "")));
  return node;
}

const time = (iso) => iso ? new Date(iso).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z") : "";

function stateOf(endpoint) {
  const states = [endpoint.state];
  if (endpoint.health && endpoint.health !== "no healthcheck") states.push(endpoint.health);
  return states.map((s) => el("span", { class: "state " + s.split(" ")[0] }, s));
}

// How each ambassador that fronts the name reaches one port, in the API's words ("from host-c: relay through host a (…)");
// this ambassador's own line first. A destination that gets no connection now (no route, its host's relay failing) is red.
function reached(port, ambassador) {
  if (!port.reached.length) return [el("div", { class: "muted" }, port.port + ": no ambassador dials it")];
  const lines = [...port.reached].sort((a, b) => (b.from === ambassador) - (a.from === ambassador));
  return lines.map((r) => el("div", {
    class: "reached" + (r.from === ambassador ? " here" : "") + (r.unreachable ? " error" : ""),
    "data-port": port.port, "data-reached-from": r.from,
  }, port.port + " from " + r.from + ": " + r.how));
}

function containers(name, ambassador) {
  if (!name.endpoints.length) return el("p", { class: "muted" }, "no container answers to this name");
  return el("table", { class: "containers" },
    el("tr", {}, ["host", "container", "state", "started", "addresses", "published", "reachable from", "how it is reached"].map((h) => el("th", {}, h))),
    name.endpoints.map((e) => el("tr", { "data-container": e.container },
      el("td", {}, e.hostId),
      el("td", {}, e.container, " ", el("span", { class: "muted" }, e.containerId)),
      el("td", {}, stateOf(e)),
      el("td", { class: "started" }, time(e.since)),
      el("td", {}, e.ports.map((p) => el("div", {}, p.port + ": " + p.addresses.join(", ")))),
      el("td", {}, e.ports.map((p) => el("div", {}, p.published.length ? p.published.join(", ") : "—"))),
      el("td", {}, e.ports.map((p) => el("div", {}, p.reachableFrom))),
      el("td", { class: "reach" }, e.ports.flatMap((p) => reached(p, ambassador))))));
}

// Every ambassador of the cluster that fronts the name, as it registered with the cluster: "host-c (8080/tcp)".
function frontedBy(name) {
  if (!name.frontedBy.length) return el("p", { class: "fronted-by muted" }, "fronted by: no ambassador");
  return el("p", { class: "fronted-by" }, "fronted by: ", name.frontedBy.flatMap((f, i) => [
    i ? ", " : "",
    el("span", { "data-fronted-by": f.hostId }, el("b", {}, f.hostId),
      " (" + (f.listeners.length ? f.listeners.join(", ") : "not listening yet") + (f.access ? "; " + f.access : "") + ")")]));
}

const count = (counters, key) => counters[key] ?? 0;

function fronting(name, ambassador) {
  const f = name.fronting;
  if (!f) return el("p", { class: "muted" }, "not fronted by " + ambassador);
  const remove = el("button", { "data-unfront": name.name }, "Stop fronting");
  remove.onclick = async () => { await api("DELETE", "api/names/" + encodeURIComponent(name.name)); };
  return el("div", {},
    el("p", {}, "here: ", el("b", {}, ambassador), f.listening ? " — listening" : " — not listening yet",
      f.mappings.length ? " (ports " + f.mappings.join(", ") + ")" : " (every exposed port)",
      f.proxyProtocol ? " · PROXY " + f.proxyProtocol + " to targets" : "", f.acceptProxy ? " · PROXY header from clients" : "", " ", remove),
    f.problem ? el("p", { class: "error problem" }, "NOT serving — " + f.problem) : "",
    el("p", { class: "access" + (f.access ? "" : " muted") }, "who may connect: " + (f.access ?? "everyone, no per-client limit") +
      (f.access ? " · clients tracked: " + f.clientsTracked : "")),
    f.listeners.length ? el("table", { class: "listeners" },
      el("tr", {}, ["listener", "open", "held", "total", "refused", "bytes in", "bytes out", "dial failures", "UDP sessions", "dropped"].map((h) => el("th", {}, h))),
      f.listeners.map((l) => el("tr", { "data-port": l.port },
        el("td", {}, l.port, " ", el("span", { class: "muted" }, l.address)),
        el("td", { class: "active" }, count(l.counters, "connections.active")),
        el("td", {}, count(l.counters, "held")),
        el("td", { class: "accepted" }, count(l.counters, "connections.accepted")),
        el("td", { class: "refused" }, count(l.counters, "connections.refused")),
        el("td", {}, count(l.counters, "bytes.upstream")),
        el("td", {}, count(l.counters, "bytes.downstream")),
        el("td", {}, count(l.counters, "connect.failures")),
        el("td", {}, count(l.counters, "udp.sessions.active")),
        el("td", {}, count(l.counters, "udp.datagrams.dropped"))))) : "");
}

function render(view) {
  $("ambassador").textContent = "ambassador " + view.ambassador;
  $("hosts").textContent = "hosts with an agent: " + (view.hosts.length ? view.hosts.join(", ") : "none yet") + " · as of " + time(view.at);
  // The names an ambassador fronts (this one's first), each sorted by name; the rest of what the
  // cluster knows (every container on every host) behind the "show other names" toggle.
  const isFronted = (name) => name.fronting || name.frontedBy.length;
  const names = [...view.names].sort((a, b) => (!a.fronting - !b.fronting) || a.name.localeCompare(b.name));
  const section = (name) => el("section", { class: "name", "data-name": name.name },
    el("h2", {}, name.name),
    frontedBy(name),
    containers(name, view.ambassador),
    fronting(name, view.ambassador),
    name.lastChange ? el("p", { class: "muted" }, "containers last changed: " + time(name.lastChange)) : "");
  const others = names.filter((name) => !isFronted(name));
  $("names").replaceChildren(...names.filter(isFronted).map(section));
  $("other-names").replaceChildren(...others.map(section));
  $("others").hidden = !others.length;
  $("others-count").textContent = others.length + (others.length === 1 ? " other name" : " other names");
  $("other-names").hidden = !$("show-others").checked;
}

$("show-others").onchange = () => { $("other-names").hidden = !$("show-others").checked; };

function setLive(text, state) {
  $("live").textContent = text;
  $("live").className = "live " + state;
}

function listen() {
  if (events) events.close();
  events = new EventSource("api/events");
  setLive("connecting…", "wait");
  events.onopen = () => setLive("live", "");
  events.onerror = () => setLive("reconnecting…", "off");
  events.onmessage = (message) => render(JSON.parse(message.data));
}

async function start() {
  const response = await api("GET", "api/names?all=1");
  // Waiting for the token is not a failure: a neutral "signing in", not the red "reconnecting…".
  if (response.status === 401) { $("login").hidden = false; $("main").hidden = true; setLive("signing in", "wait"); return; }
  $("login").hidden = true; $("main").hidden = false;
  render(await response.json());
  listen();
}

$("login").onsubmit = async (event) => {
  event.preventDefault();
  sessionStorage.setItem(tokenKey, $("token").value);
  const response = await api("POST", "api/login");
  if (response.ok) { start(); } else { sessionStorage.removeItem(tokenKey); $("login-error").textContent = "wrong token"; }
};

$("front").onsubmit = async (event) => {
  event.preventDefault();
  const ports = $("front-ports").value.split(/[\s,]+/).filter(Boolean);
  const response = await api("POST", "api/names/" + encodeURIComponent($("front-name").value.trim()), ports.length ? { ports } : undefined);
  const result = $("front-result");
  result.className = response.ok ? "" : "error";
  result.textContent = response.ok ? "fronting " + $("front-name").value.trim() : (await response.text()).trim();
};

start();
