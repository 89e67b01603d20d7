package dev.ferry.core.spi;

import dev.ferry.core.model.SourcePosition;
import dev.ferry.core.model.TableId;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/** A {@link ChangeStream} that passes every call to another one; extend it to watch a few calls. */
public abstract class ForwardingChangeStream implements ChangeStream {
    protected final ChangeStream delegate;

    protected ForwardingChangeStream(ChangeStream delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public ChangeChunk poll(long timeout, TimeUnit unit) throws InterruptedException {
        return delegate.poll(timeout, unit);
    }

    @Override
    public boolean startTableAfter(TableId table, SourcePosition start) {
        return delegate.startTableAfter(table, start);
    }

    @Override
    public boolean stopAfter(dev.ferry.core.settings.CdcStop stop) {
        return delegate.stopAfter(stop);
    }

    @Override
    public boolean stopReached() {
        return delegate.stopReached();
    }

    @Override
    public void committed(ChangeChunk chunk) throws InterruptedException {
        delegate.committed(chunk);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
