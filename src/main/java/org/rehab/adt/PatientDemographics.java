package org.rehab.adt;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.util.Terser;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;

/**
 * PID as FHIR Patient demographics: names (PID-5), birth date (PID-7), sex (PID-8), addresses (PID-11), phone
 * numbers (PID-13) and death (PID-29, PID-30). An ADT message carries the whole of them, so what PID sends
 * replaces what the Patient had; fields PID leaves empty leave the Patient's alone, and so does everything PID
 * has no field for (other identifiers, extensions, links). A field sent as {@code ""}, HL7's delete indicator
 * (v2.5.1 section 2.5.3), removes the Patient's value; a component sent so is left out.
 */
final class PatientDemographics {

    private static final int MOST_REPETITIONS = 20;
    private static final String DELETE = "\"\"";

    private PatientDemographics() {}

    static void apply(Terser pid, Patient patient, ZoneId zone) throws HL7Exception {
        List<HumanName> names = names(pid);
        if (deletes(pid, "/.PID-5(0)-1-1")) {
            patient.setName(null);
        } else if (!names.isEmpty()) {
            patient.setName(names);
        }
        if (deletes(pid, "/.PID-7-1")) {
            patient.setBirthDateElement(null);
        }
        Hl7Times.date(value(pid, "/.PID-7-1")).ifPresent(patient::setBirthDateElement);
        if (deletes(pid, "/.PID-8")) {
            patient.setGender(null);
        }
        String sex = value(pid, "/.PID-8");
        if (sex != null) {
            patient.setGender(
                    switch (sex) {
                        case "M" -> Enumerations.AdministrativeGender.MALE;
                        case "F" -> Enumerations.AdministrativeGender.FEMALE;
                        case "O", "A" -> Enumerations.AdministrativeGender.OTHER;
                        default -> Enumerations.AdministrativeGender.UNKNOWN;
                    });
        }
        List<Address> addresses = addresses(pid);
        if (deletes(pid, "/.PID-11(0)-1-1")) {
            patient.setAddress(null);
        } else if (!addresses.isEmpty()) {
            patient.setAddress(addresses);
        }
        List<ContactPoint> phones = phones(pid);
        if (deletes(pid, "/.PID-13(0)-1")) {
            patient.setTelecom(null);
        } else if (!phones.isEmpty()) {
            patient.setTelecom(phones);
        }
        var died = Hl7Times.dateTime(value(pid, "/.PID-29-1"), zone);
        String deathIndicator = value(pid, "/.PID-30");
        if (died.isPresent()) {
            patient.setDeceased(died.get());
        } else if ("Y".equals(deathIndicator)) {
            patient.setDeceased(new BooleanType(true));
        } else if ("N".equals(deathIndicator) || deletes(pid, "/.PID-29-1")) {
            patient.setDeceased(null); // a death recorded in error, corrected
        }
    }

    /** Whether the field (its first component) is HL7's delete indicator. */
    private static boolean deletes(Terser pid, String path) throws HL7Exception {
        return DELETE.equals(pid.get(path));
    }

    /** The value at the path; null when it is empty or the delete indicator. */
    private static String value(Terser pid, String path) throws HL7Exception {
        String value = pid.get(path);
        return value == null || value.isEmpty() || DELETE.equals(value) ? null : value;
    }

    private static List<HumanName> names(Terser pid) throws HL7Exception {
        List<HumanName> names = new ArrayList<>();
        for (int i = 0; i < MOST_REPETITIONS; i++) {
            String xpn = "/.PID-5(" + i + ")";
            String family = value(pid, xpn + "-1-1");
            String given = value(pid, xpn + "-2");
            if (family == null && given == null) {
                break;
            }
            HumanName name = new HumanName().setFamily(family);
            if (given != null) {
                name.addGiven(given);
            }
            if (value(pid, xpn + "-3") != null) {
                name.addGiven(value(pid, xpn + "-3"));
            }
            if (value(pid, xpn + "-4") != null) {
                name.addSuffix(value(pid, xpn + "-4"));
            }
            if (value(pid, xpn + "-5") != null) {
                name.addPrefix(value(pid, xpn + "-5"));
            }
            String type = value(pid, xpn + "-7");
            name.setUse(
                    type == null || "L".equals(type)
                            ? HumanName.NameUse.OFFICIAL
                            : switch (type) {
                                case "D" -> HumanName.NameUse.USUAL;
                                case "M" -> HumanName.NameUse.MAIDEN;
                                case "N" -> HumanName.NameUse.NICKNAME;
                                case "A" -> HumanName.NameUse.ANONYMOUS;
                                default -> HumanName.NameUse.OFFICIAL;
                            });
            names.add(name);
        }
        return names;
    }

    private static List<Address> addresses(Terser pid) throws HL7Exception {
        List<Address> addresses = new ArrayList<>();
        for (int i = 0; i < MOST_REPETITIONS; i++) {
            String xad = "/.PID-11(" + i + ")";
            Address address = new Address();
            if (value(pid, xad + "-1-1") != null) {
                address.addLine(value(pid, xad + "-1-1"));
            }
            if (value(pid, xad + "-2") != null) {
                address.addLine(value(pid, xad + "-2"));
            }
            address.setCity(value(pid, xad + "-3"));
            address.setState(value(pid, xad + "-4"));
            address.setPostalCode(value(pid, xad + "-5"));
            address.setCountry(value(pid, xad + "-6"));
            if (address.isEmpty()) {
                break;
            }
            addresses.add(address);
        }
        return addresses;
    }

    private static List<ContactPoint> phones(Terser pid) throws HL7Exception {
        List<ContactPoint> phones = new ArrayList<>();
        for (int i = 0; i < MOST_REPETITIONS; i++) {
            String xtn = "/.PID-13(" + i + ")";
            String email = value(pid, xtn + "-4");
            String number = value(pid, xtn + "-1") != null ? value(pid, xtn + "-1") : value(pid, xtn + "-12");
            if (email == null && number == null) {
                break;
            }
            ContactPoint point = new ContactPoint().setUse(ContactPoint.ContactPointUse.HOME);
            if ("Internet".equalsIgnoreCase(value(pid, xtn + "-3")) && email != null) {
                point.setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue(email);
            } else if (number != null) {
                point.setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(number);
            } else {
                point.setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue(email);
            }
            phones.add(point);
        }
        return phones;
    }
}
