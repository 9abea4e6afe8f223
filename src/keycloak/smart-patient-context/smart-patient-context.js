/*
 * SMART App Launch 2.x, launch/patient: the token response (and the access token) carry "patient", the id of the
 * Patient in context. Stock Keycloak puts user attributes only into tokens, not into the token response, where SMART
 * clients read the launch context; a script mapper may write to both. A patient's context is their own record.
 */
var patient = user.getFirstAttribute("patient");
exports = patient === null ? null : patient;
