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

  async function call(method, path, body, versionId) {
    try {
      await client.refreshIfNeeded();
    } catch {
      throw ended();
    }
    const headers = { Authorization: `Bearer ${client.state.tokenResponse.access_token}`, Accept: "application/fhir+json" };
    if (body) headers["Content-Type"] = "application/fhir+json";
    if (versionId) headers["If-Match"] = `W/"${versionId}"`;
    const response = await fetch(path ? `${base}/${path}` : base, {
      method,
      headers,
      body: body ? JSON.stringify(body) : undefined,
    });
    if (response.status === 401) throw ended();
    const json = await response.json().catch(() => null);
    if (!response.ok) {
      const diagnostics = json?.issue?.map((i) => i.diagnostics).filter(Boolean).join(" ");
      throw new ApiError(response.status, diagnostics || `HTTP ${response.status}`);
    }
    return json;
  }
  return {
    get: (path) => call("GET", path),
    post: (path, body) => call("POST", path, body),
    put: (path, body, versionId) => call("PUT", path, body, versionId),
  };
}
