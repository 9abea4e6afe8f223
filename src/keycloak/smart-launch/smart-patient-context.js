/*
 * SMART App Launch 2.x, launch/patient: the token response (and the access token) carry "patient", the id of the
 * Patient in context. Stock Keycloak puts user attributes only into tokens, not into the token response, where SMART
 * clients read the launch context; a script mapper may write to both. A patient's context is their own record
 * (user attribute "patient"); a practitioner's is the patient they picked for this app (smart-patient-picker.js).
 */
var patient = user.getFirstAttribute("patient");
if (patient === null) {
    var client = keycloakSession.getContext().getClient();
    var clientSession = client === null ? null : userSession.getAuthenticatedClientSessionByClient(client.getId());
    patient = clientSession === null ? null : clientSession.getNote("rehab.smart.patient");
}
exports = patient;
