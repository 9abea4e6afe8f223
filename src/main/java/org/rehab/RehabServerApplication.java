package org.rehab;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.data.jpa.JpaRepositoriesAutoConfiguration;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchClientAutoConfiguration;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchRestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration;
import org.springframework.boot.autoconfigure.quartz.QuartzAutoConfiguration;
import org.springframework.boot.autoconfigure.thymeleaf.ThymeleafAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.error.ErrorMvcAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The rehabilitation FHIR server: HAPI FHIR JPA (R4) inside Spring Boot. */
@SpringBootApplication(
        exclude = {
            // HAPI builds its own entity manager, schema and scheduler.
            HibernateJpaAutoConfiguration.class,
            JpaRepositoriesAutoConfiguration.class,
            FlywayAutoConfiguration.class,
            QuartzAutoConfiguration.class,
            ThymeleafAutoConfiguration.class,
            ElasticsearchClientAutoConfiguration.class,
            ElasticsearchRestClientAutoConfiguration.class,
            // Errors outside HAPI are answered as OperationOutcomes by web.ContainerErrorsConfig, not by an
            // HTML or JSON error page that would quote the request path.
            ErrorMvcAutoConfiguration.class
        })
@ConfigurationPropertiesScan
public class RehabServerApplication {

    public static void main(String[] args) {
        SpringApplication.run(RehabServerApplication.class, args);
    }
}
