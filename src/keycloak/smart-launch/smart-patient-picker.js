/*
 * SMART App Launch 2.x, launch/patient for practitioners
 * (https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html#launchpatient): a therapist or an
 * administrator who launches an app that asks for a patient in context picks one of their hospital's patients after
 * signing in. The list comes from the FHIR server itself, read with a one-minute token of the signed-in user narrowed
 * to user/Patient.rs, so the server's own tenant and scope checks decide whom they may pick. The choice is kept on
 * the app's client session, where smart-patient-context.js reads it. Patients (user attribute "patient") are their
 * own context and never see the picker.
 *
 * The FHIR base URL the picker reads is the environment variable REHAB_FHIR_BASE_URL, else the audience of the
 * realm's "rehab" client scope (the FHIR base URL the server expects in tokens).
 */
var AccessToken = Java.type("org.keycloak.representations.AccessToken");
var Access = Java.type("org.keycloak.representations.AccessToken$Access");
var KeycloakModelUtils = Java.type("org.keycloak.models.utils.KeycloakModelUtils");
var Urls = Java.type("org.keycloak.services.Urls");
var HttpClient = Java.type("java.net.http.HttpClient");
var HttpRequest = Java.type("java.net.http.HttpRequest");
var BodyHandlers = Java.type("java.net.http.HttpResponse$BodyHandlers");
var URI = Java.type("java.net.URI");
var URLEncoder = Java.type("java.net.URLEncoder");
var StandardCharsets = Java.type("java.nio.charset.StandardCharsets");
var Duration = Java.type("java.time.Duration");
var ArrayList = Java.type("java.util.ArrayList");
var HashMap = Java.type("java.util.HashMap");
var System = Java.type("java.lang.System");

var PATIENT_NOTE = "rehab.smart.patient";
var PICKING_ROLES = ["admin", "therapist"];
var PATIENT_ID = /^[A-Za-z0-9\-.]{1,64}$/;
var PAGE_SIZE = 25;
var NO_PARAMETERS = Java.to([], "java.lang.Object[]");
var UNAVAILABLE = "The patient list is not available right now. Try again in a moment.";

function authenticate(context) {
    if (!asksForPatientContext() || user.getFirstAttribute("patient") !== null || pickingRoles().length === 0) {
        context.success();
        return;
    }
    showPicker(context, "", null);
}

function action(context) {
    var form = httpRequest.getDecodedFormParameters();
    if (form.getFirst("cancel") !== null) {
        context.cancelLogin();
        return;
    }
    var picked = form.getFirst("patient");
    if (picked === null) {
        showPicker(context, searchText(form.getFirst("name")), null);
        return;
    }
    var found;
    try {
        found = PATIENT_ID.test(picked) && fhirGet("/Patient/" + picked).statusCode() === 200;
    } catch (e) {
        LOG.warn("Patient picker: the FHIR server is out of reach: " + failure(e));
        showPicker(context, "", UNAVAILABLE);
        return;
    }
    if (!found) {
        showPicker(context, "", "That patient is not one of your hospital's patients.");
        return;
    }
    authenticationSession.setClientNote(PATIENT_NOTE, picked);
    context.success();
}

function showPicker(context, name, error) {
    var patients = new ArrayList();
    var listed = false;
    if (user.getFirstAttribute("hospital") === null) {
        error = "Your account belongs to no hospital: ask an administrator.";
    } else {
        try {
            var response = fhirGet("/Patient?_count=" + PAGE_SIZE + "&_sort=family,given&_elements=name,birthDate"
                    + (name === "" ? "" : "&name=" + encode(name)));
            if (response.statusCode() === 200) {
                (JSON.parse(response.body()).entry || []).forEach(function (entry) {
                    patients.add(summary(entry.resource));
                });
                listed = true;
            } else {
                LOG.warnf("Patient picker: the FHIR server answered %s", String(response.statusCode()));
                error = error || UNAVAILABLE;
            }
        } catch (e) {
            LOG.warn("Patient picker: the FHIR server is out of reach: " + failure(e));
            error = error || UNAVAILABLE;
        }
    }
    var form = context.form()
            .setAttribute("patients", patients)
            .setAttribute("listed", listed)
            .setAttribute("query", name);
    if (error !== null) {
        form.setError(String(error), NO_PARAMETERS);
    }
    context.challenge(form.createForm("smart-patient-picker.ftl"));
}

function asksForPatientContext() {
    var scope = authenticationSession.getClientNote("scope");
    return scope !== null && String(scope).split(/\s+/).indexOf("launch/patient") >= 0;
}

function pickingRoles() {
    return PICKING_ROLES.filter(function (name) {
        var role = realm.getRole(name);
        return role !== null && user.hasRole(role);
    });
}

function fhirGet(path) {
    var url = fhirBase() + "/" + encode(user.getFirstAttribute("hospital")) + path;
    var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    return client.send(
            HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5))
                    .header("Accept", "application/fhir+json")
                    .header("Authorization", "Bearer " + pickerToken())
                    .GET()
                    .build(),
            BodyHandlers.ofString());
}

/* The signed-in user, for one minute, reading and searching Patients only: the server applies their hospital. */
function pickerToken() {
    var token = new AccessToken();
    token.id(KeycloakModelUtils.generateId());
    token.issuer(Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realm.getName()));
    token.addAudience(audience());
    token.subject(user.getId());
    token.issuedFor(authenticationSession.getClient().getClientId());
    token.type("Bearer");
    token.issuedNowWithTTL(60);
    token.setScope("user/Patient.rs");
    token.setOtherClaims("hospital", user.getFirstAttribute("hospital"));
    if (user.getFirstAttribute("fhirUser") !== null) {
        token.setOtherClaims("fhirUser", user.getFirstAttribute("fhirUser"));
    }
    var access = new Access();
    pickingRoles().forEach(function (role) {
        access.addRole(role);
    });
    token.setRealmAccess(access);
    return session.tokens().encode(token);
}

function audience() {
    var mappers = KeycloakModelUtils.getClientScopeByName(realm, "rehab").getProtocolMappersStream().toArray();
    for (var i = 0; i < mappers.length; i++) {
        if (mappers[i].getProtocolMapper() === "oidc-audience-mapper") {
            return mappers[i].getConfig().get("included.custom.audience");
        }
    }
    throw "The rehab client scope has no audience mapper";
}

function fhirBase() {
    var base = System.getenv("REHAB_FHIR_BASE_URL") || audience();
    return String(base).replace(/\/+$/, "");
}

function summary(patient) {
    var name = (patient.name || [])[0] || {};
    var shown = name.text || [(name.given || []).join(" "), name.family || ""].join(" ").trim();
    var row = new HashMap();
    row.put("id", patient.id);
    row.put("name", shown || "(no name recorded)");
    row.put("birthDate", patient.birthDate || "");
    return row;
}

/* What went wrong, without the message: a URL in it could carry the name a therapist searched for. */
function failure(e) {
    return e.getClass ? e.getClass().getSimpleName() : String(e.name);
}

function searchText(value) {
    return value === null ? "" : String(value).trim().substring(0, 100);
}

function encode(value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
}
