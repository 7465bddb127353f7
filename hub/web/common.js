// Shared by the web consoles' pages: the API call with the session's CSRF token, and $.
"use strict";

const $ = (id) => document.getElementById(id);

// One API call; `csrf` is the session's token for calls that change something.
async function apiCall(method, path, body, csrf) {
  const headers = { "Content-Type": "application/json" };
  if (csrf) headers["X-CSRF-Token"] = csrf;
  const res = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined, credentials: "same-origin" });
  let data = null;
  try { data = await res.json(); } catch (e) { /* 204 */ }
  return { status: res.status, data };
}
