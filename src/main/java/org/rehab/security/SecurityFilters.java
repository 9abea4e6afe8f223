package org.rehab.security;

import org.rehab.tenant.RegisteredTenants;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The servlet filters of SMART discovery and of the local mode. */
@Configuration
class SecurityFilters {

    @Bean
    FilterRegistrationBean<SmartConfigurationFilter> smartConfiguration(
            SecuritySettings settings, RegisteredTenants tenants) {
        var registration = new FilterRegistrationBean<>(new SmartConfigurationFilter(settings, tenants));
        registration.addUrlPatterns("/fhir/*");
        return registration;
    }

    @Bean
    @ConditionalOnProperty(name = "rehab.security.enabled", havingValue = "false")
    FilterRegistrationBean<LocalMode> localMode(@Value("${server.address:}") String serverAddress) {
        LoopbackOnly.require(serverAddress);
        var registration = new FilterRegistrationBean<>(new LocalMode());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
