// FHIR REST calls of the signed-in user. The access token is short-lived (5 minutes): before each call SMART's
// client renews it with the refresh token while the Keycloak sign-in session lasts (SMART online_access). A refusal
// to renew, or a 401, ends the session; other failures throw.
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function api(base, client, onSessionEnded) {
  function ended() {
    onSessionEnded();
    return new ApiError(401, "Your session has ended.");
  }

  // The response and its JSON body; a refusal throws an ApiError with the OperationOutcome's words.
  async function exchange(method, url, body, extraHeaders = {}) {
    try {
      await client.refreshIfNeeded();
    } catch {
      throw ended();
    }
    const headers = {
      Authorization: `Bearer ${client.state.tokenResponse.access_token}`,
      Accept: "application/fhir+json",
      ...extraHeaders,
    };
    if (body) headers["Content-Type"] = "application/fhir+json";
    const response = await fetch(url, { method, headers, body: body ? JSON.stringify(body) : undefined });
    if (response.status === 401) throw ended();
    const json = await response.json().catch(() => null);
    if (!response.ok) {
      const diagnostics = json?.issue?.map((i) => i.diagnostics).filter(Boolean).join(" ");
      throw new ApiError(response.status, diagnostics || `HTTP ${response.status}`);
    }
    return { response, json };
  }

  async function call(method, path, body, versionId) {
    const headers = versionId ? { "If-Match": `W/"${versionId}"` } : {};
    return (await exchange(method, path ? `${base}/${path}` : base, body, headers)).json;
  }

  // FHIR's asynchronous request pattern: the request answers 202 with a status URL, polled until it answers 200.
  async function startAsync(path, body) {
    const { response } = await exchange("POST", `${base}/${path}`, body, { Prefer: "respond-async" });
    return response.headers.get("Content-Location");
  }

  async function poll(statusUrl) {
    if (!statusUrl.startsWith(`${base}/`)) throw new ApiError(400, "Not a status URL of this hospital");
    const { response, json } = await exchange("GET", statusUrl);
    return { done: response.status === 200, progress: response.headers.get("X-Progress"), result: json };
  }

  return {
    get: (path) => call("GET", path),
    post: (path, body) => call("POST", path, body),
    put: (path, body, versionId) => call("PUT", path, body, versionId),
    startAsync,
    poll,
  };
}
