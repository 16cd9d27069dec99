package io.cocostream.ingest;

/** Where in a delivered file something is: the file, its JSON path and line:column. */
public record Location(String file, String jsonPath, long line, long column) {
    @Override
    public String toString() {
        return file + " at " + jsonPath + " (line " + line + ", column " + column + ")";
    }
}
