package org.rehab.web;

import org.apache.catalina.core.StandardHost;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Every refusal made outside HAPI is an OperationOutcome with the right status: Tomcat's own (its error report
 * valve), Spring Security's firewall, and methods the API does not have. Spring Boot's HTML/JSON error page is
 * not used (see {@code RehabServerApplication}).
 */
@Configuration
class ContainerErrorsConfig {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> fhirErrorReports() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(FhirErrorReportValve.class.getName());
                host.getPipeline().addValve(new FhirErrorReportValve());
            }
        });
    }

    @Bean
    RequestRejectedHandler requestRejections() {
        return new RequestRejections();
    }

    @Bean
    FilterRegistrationBean<MethodFilter> fhirMethodsOnly() {
        var registration = new FilterRegistrationBean<>(new MethodFilter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }
}
