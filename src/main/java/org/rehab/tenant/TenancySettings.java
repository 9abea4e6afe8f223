package org.rehab.tenant;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Hospital tenants created on first start, by name and HAPI partition id. More can be added at run time with
 * HAPI's {@code $partition-management-create-partition} operation.
 */
@ConfigurationProperties("rehab.tenancy")
public record TenancySettings(@DefaultValue Map<String, Integer> initialTenants) {}
