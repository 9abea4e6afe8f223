package org.rehab.recommendation.rules;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Rule files that do not compile, with the position of each error. */
public class RuleCompilationException extends RuntimeException {

    /**
     * One compilation error: the file, its line and column (both counted from 1; 0 when the compiler does not
     * say) and the compiler's message.
     */
    public record Problem(String file, int line, int column, String message) {

        /** Where Drools puts the column of a condition error, e.g. "[Line: 5, Column: 4]" or "Line 6:0". */
        private static final Pattern POSITION = Pattern.compile("\\[Line: (\\d+), Column: (\\d+)]|Line (\\d+):(\\d+)");

        /** A name the Java compiler could not resolve in a rule's consequence. */
        private static final Pattern UNRESOLVED = Pattern.compile("(\\w+) cannot be resolved|The method (\\w+)");

        /**
         * Locates a compiler message in its file: by the position in its text, or for an error in a rule's
         * consequence (reported at the rule's first line) by the first use of the unresolved name.
         */
        static Problem locate(String file, String content, int line, String message) {
            String text = message.strip();
            Matcher position = POSITION.matcher(text);
            if (position.find()) {
                int row = Integer.parseInt(position.group(1) != null ? position.group(1) : position.group(3));
                int column = Integer.parseInt(position.group(2) != null ? position.group(2) : position.group(4));
                return new Problem(file, row, column + 1, text);
            }
            Matcher unresolved = UNRESOLVED.matcher(text);
            if (unresolved.find() && line > 0) {
                String name = unresolved.group(1) != null ? unresolved.group(1) : unresolved.group(2);
                String[] lines = content.split("\\n", -1);
                for (int i = line - 1; i < lines.length; i++) {
                    Matcher use =
                            Pattern.compile("\\b" + Pattern.quote(name) + "\\b").matcher(lines[i]);
                    if (use.find()) {
                        return new Problem(file, i + 1, use.start() + 1, text);
                    }
                }
            }
            return new Problem(file, line, 0, text);
        }

        @Override
        public String toString() {
            return file + " line " + line + ", column " + column + ": " + message;
        }
    }

    private final List<Problem> problems;

    public RuleCompilationException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
