package org.rehab.observability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Libraries' warnings and errors (HAPI, Hibernate, Tomcat, Spring, the JDBC drivers) quote what they were
 * handling: resource ids, search values, request lines, SQL parameters. Their text is withheld: such a line is
 * logged instead by {@code org.rehab.library} with the library's logger, its level and the exception's type, which
 * is enough to know where to look and carries no patient data. The server's own lines never quote request content.
 */
@Component
class LibraryLogRedaction extends TurboFilter implements DisposableBean {

    private static final String OWN = "org.rehab.";
    private static final org.slf4j.Logger REDACTED = LoggerFactory.getLogger("org.rehab.library");

    LibraryLogRedaction() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            setContext(context);
            start();
            context.addTurboFilter(this);
        }
    }

    @Override
    public void destroy() {
        if (getContext() instanceof LoggerContext context) {
            context.getTurboFilterList().remove(this);
        }
        stop();
    }

    @Override
    public FilterReply decide(
            Marker marker, Logger logger, Level level, String format, Object[] params, Throwable failure) {
        if (level == null
                || (format == null && failure == null) // a level check, not a message
                || !level.isGreaterOrEqual(Level.WARN)
                || !level.isGreaterOrEqual(logger.getEffectiveLevel())
                || logger.getName().startsWith(OWN)) {
            return FilterReply.NEUTRAL;
        }
        Throwable cause = failure != null ? failure : lastThrowable(params);
        REDACTED.atLevel(level == Level.ERROR ? org.slf4j.event.Level.ERROR : org.slf4j.event.Level.WARN)
                .addKeyValue("library", logger.getName())
                .addKeyValue("failure", cause == null ? null : cause.getClass().getName())
                .log("A library's message was withheld: it may quote patient data");
        return FilterReply.DENY;
    }

    private static Throwable lastThrowable(Object[] params) {
        return params != null && params.length > 0 && params[params.length - 1] instanceof Throwable t ? t : null;
    }
}
