package org.rehab.recommendation.rules;

import java.time.LocalDate;
import java.util.List;

/**
 * A completed surgical Procedure performed within the hospital's recent-surgery window, with the departments
 * (system|code) it was performed in and whether one of them is admissible for post-op rehabilitation.
 */
public record RecentSurgery(
        Evidence source, LocalDate performed, List<String> departments, boolean inAdmissibleDepartment)
        implements Fact {}
