package org.rehab.tenant;

import ca.uhn.fhir.jpa.entity.PartitionEntity;
import ca.uhn.fhir.jpa.partition.IPartitionLookupSvc;
import ca.uhn.fhir.rest.openapi.OpenApiInterceptor;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.servers.Server;
import java.util.Comparator;

/** HAPI's OpenAPI description and Swagger UI, offering one server per hospital tenant to try requests against. */
public class TenantOpenApiInterceptor extends OpenApiInterceptor {

    private final IPartitionLookupSvc partitions;

    public TenantOpenApiInterceptor(IPartitionLookupSvc partitions) {
        this.partitions = partitions;
    }

    @Override
    protected OpenAPI generateOpenApi(ServletRequestDetails request) {
        OpenAPI openApi = super.generateOpenApi(request);
        String base = request.getServer()
                .getServerAddressStrategy()
                .determineServerBase(request.getServletRequest().getServletContext(), request.getServletRequest());
        openApi.setServers(partitions.listPartitions().stream()
                .sorted(Comparator.comparing(PartitionEntity::getName))
                .map(tenant ->
                        new Server().url(base + "/" + tenant.getName()).description("Tenant " + tenant.getName()))
                .toList());
        return openApi;
    }
}
