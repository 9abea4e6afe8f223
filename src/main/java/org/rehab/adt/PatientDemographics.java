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
 * has no field for (other identifiers, extensions, links).
 */
final class PatientDemographics {

    private static final int MOST_REPETITIONS = 20;

    private PatientDemographics() {}

    static void apply(Terser pid, Patient patient, ZoneId zone) throws HL7Exception {
        List<HumanName> names = names(pid);
        if (!names.isEmpty()) {
            patient.setName(names);
        }
        Hl7Times.date(pid.get("/.PID-7-1")).ifPresent(patient::setBirthDateElement);
        String sex = pid.get("/.PID-8");
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
        if (!addresses.isEmpty()) {
            patient.setAddress(addresses);
        }
        List<ContactPoint> phones = phones(pid);
        if (!phones.isEmpty()) {
            patient.setTelecom(phones);
        }
        var died = Hl7Times.dateTime(pid.get("/.PID-29-1"), zone);
        if (died.isPresent()) {
            patient.setDeceased(died.get());
        } else if ("Y".equals(pid.get("/.PID-30"))) {
            patient.setDeceased(new BooleanType(true));
        }
    }

    private static List<HumanName> names(Terser pid) throws HL7Exception {
        List<HumanName> names = new ArrayList<>();
        for (int i = 0; i < MOST_REPETITIONS; i++) {
            String xpn = "/.PID-5(" + i + ")";
            String family = pid.get(xpn + "-1-1");
            String given = pid.get(xpn + "-2");
            if (family == null && given == null) {
                break;
            }
            HumanName name = new HumanName().setFamily(family);
            if (given != null) {
                name.addGiven(given);
            }
            if (pid.get(xpn + "-3") != null) {
                name.addGiven(pid.get(xpn + "-3"));
            }
            if (pid.get(xpn + "-4") != null) {
                name.addSuffix(pid.get(xpn + "-4"));
            }
            if (pid.get(xpn + "-5") != null) {
                name.addPrefix(pid.get(xpn + "-5"));
            }
            String type = pid.get(xpn + "-7");
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
            if (pid.get(xad + "-1-1") != null) {
                address.addLine(pid.get(xad + "-1-1"));
            }
            if (pid.get(xad + "-2") != null) {
                address.addLine(pid.get(xad + "-2"));
            }
            address.setCity(pid.get(xad + "-3"));
            address.setState(pid.get(xad + "-4"));
            address.setPostalCode(pid.get(xad + "-5"));
            address.setCountry(pid.get(xad + "-6"));
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
            String email = pid.get(xtn + "-4");
            String number = pid.get(xtn + "-1") != null ? pid.get(xtn + "-1") : pid.get(xtn + "-12");
            if (email == null && number == null) {
                break;
            }
            ContactPoint point = new ContactPoint().setUse(ContactPoint.ContactPointUse.HOME);
            if ("Internet".equalsIgnoreCase(pid.get(xtn + "-3")) && email != null) {
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
