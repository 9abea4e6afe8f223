package org.rehab.web;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Locale;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Refuses an XML Patch that declares a DTD (and so could declare entities) or is not well-formed XML, before HAPI's
 * XML Patch library, which cannot be configured and would expand entities, reads it. FHIR resources in XML are
 * read by HAPI's own parser, which already refuses DTDs.
 */
@Interceptor
public class XmlPatchBodyInterceptor {

    private static final String XML_PATCH = "application/xml-patch+xml";

    private final SAXParserFactory parsers = strictParsers();

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public void rejectUnsafePatch(RequestDetails request) {
        String contentType = request.getHeader("Content-Type");
        if (request.getRequestType() != RequestTypeEnum.PATCH
                || contentType == null
                || !contentType.toLowerCase(Locale.ROOT).startsWith(XML_PATCH)) {
            return;
        }
        try {
            parsers.newSAXParser().parse(new ByteArrayInputStream(request.loadRequestContents()), new DefaultHandler());
        } catch (SAXException e) {
            throw new InvalidRequestException(
                    e.getMessage() != null && e.getMessage().contains("DOCTYPE")
                            ? "An XML Patch may not declare a DOCTYPE: DTDs and entities are not accepted"
                            : "The XML Patch is not well-formed XML: " + e.getMessage());
        } catch (IOException | ParserConfigurationException e) {
            throw new InvalidRequestException("The XML Patch could not be read");
        }
    }

    private static SAXParserFactory strictParsers() {
        SAXParserFactory factory = SAXParserFactory.newDefaultInstance();
        factory.setNamespaceAware(true);
        try {
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("The JDK's XML parser does not support refusing DTDs", e);
        }
        return factory;
    }
}
