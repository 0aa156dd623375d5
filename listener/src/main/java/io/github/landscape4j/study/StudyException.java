package io.github.landscape4j.study;

/** A study that could not go on: names the study and the run, keeps the cause. */
public final class StudyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StudyException(String message, Throwable cause) {
        super(message, cause);
    }
}
