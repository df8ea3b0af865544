package dev.bigbatch.jobs.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a job says while open: every Log4j 2 event (root logger lowered to INFO, and the given loggers to DEBUG,
 * for the duration; messages with their stack traces) and everything written to System.out and System.err (also
 * still passed through). Restores levels and streams on close.
 */
final class CapturedOutput implements AutoCloseable {
    private final StringBuilder text = new StringBuilder();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final AbstractAppender appender;
    private final Level rootLevel;
    private final List<String> addedLoggers = new ArrayList<>();
    private final Map<String, Level> changedLevels = new HashMap<>();
    private final PrintStream out = System.out;
    private final PrintStream err = System.err;

    CapturedOutput(String... debugLoggers) {
        appender = new AbstractAppender("captured-output", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                StringWriter w = new StringWriter();
                w.append(event.getLevel().name()).append(' ').append(event.getLoggerName()).append(": ")
                        .append(event.getMessage().getFormattedMessage()).append('\n');
                if (event.getThrown() != null) {
                    event.getThrown().printStackTrace(new PrintWriter(w));
                }
                add(w.toString());
            }
        };
        appender.start();
        Configuration config = context.getConfiguration();
        LoggerConfig root = config.getRootLogger();
        rootLevel = root.getLevel();
        root.setLevel(Level.INFO);
        root.addAppender(appender, Level.ALL, null);
        for (String name : debugLoggers) {
            LoggerConfig existing = config.getLoggers().get(name);
            if (existing == null) {
                config.addLogger(name, new LoggerConfig(name, Level.DEBUG, true));
                addedLoggers.add(name);
            } else {
                changedLevels.put(name, existing.getLevel());
                existing.setLevel(Level.DEBUG);
            }
        }
        context.updateLoggers();
        System.setOut(new PrintStream(new Tee(out), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(err), true, StandardCharsets.UTF_8));
    }

    private synchronized void add(String s) {
        text.append(s);
    }

    synchronized String text() {
        return text.toString();
    }

    @Override
    public void close() {
        System.setOut(out);
        System.setErr(err);
        Configuration config = context.getConfiguration();
        config.getRootLogger().removeAppender(appender.getName());
        config.getRootLogger().setLevel(rootLevel);
        addedLoggers.forEach(config::removeLogger);
        changedLevels.forEach((name, level) -> config.getLoggers().get(name).setLevel(level));
        context.updateLoggers();
        appender.stop();
    }

    /** Copies to the original stream and into the capture. */
    private final class Tee extends OutputStream {
        private final PrintStream original;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        Tee(PrintStream original) {
            this.original = original;
        }

        @Override
        public synchronized void write(int b) {
            original.write(b);
            line.write(b);
            if (b == '\n') {
                flush();
            }
        }

        @Override
        public synchronized void flush() {
            add(line.toString(StandardCharsets.UTF_8));
            line.reset();
            original.flush();
        }
    }
}
