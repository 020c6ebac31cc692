package dev.arbor.jobs.eval;

import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.triggers.TriggerResult;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * Fires a processing-time window when the clock passes its end, like Flink's
 * ProcessingTimeTrigger, and also when the job is stopped with a drain (stop-with-savepoint
 * {@code --drain}, which is how {@code arbor eval} stops on Ctrl-C). A drain sends the maximum
 * watermark; the event-time timer registered at the window's end fires only then, because the
 * evaluation stream carries no other watermarks. So the last, unfinished window's aggregate is
 * written too, and the aggregates of a stopped job cover every scored item.
 */
final class FlushOnDrainTrigger extends Trigger<Object, TimeWindow> {
    private static final long serialVersionUID = 1L;

    @Override
    public TriggerResult onElement(Object element, long timestamp, TimeWindow window, TriggerContext context) {
        context.registerProcessingTimeTimer(window.maxTimestamp());
        context.registerEventTimeTimer(window.maxTimestamp());
        return TriggerResult.CONTINUE;
    }

    @Override
    public TriggerResult onProcessingTime(long time, TimeWindow window, TriggerContext context) {
        return TriggerResult.FIRE;
    }

    @Override
    public TriggerResult onEventTime(long time, TimeWindow window, TriggerContext context) {
        return TriggerResult.FIRE; // only at a drain: see the class comment
    }

    @Override
    public void clear(TimeWindow window, TriggerContext context) {
        context.deleteProcessingTimeTimer(window.maxTimestamp());
        context.deleteEventTimeTimer(window.maxTimestamp());
    }

    @Override
    public String toString() {
        return "FlushOnDrainTrigger()";
    }
}
