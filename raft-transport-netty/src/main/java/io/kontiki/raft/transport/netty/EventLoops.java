package io.kontiki.raft.transport.netty;

import io.kontiki.raft.core.LoopExecutor;
import io.kontiki.raft.core.LoopExecutors;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Event loops for Raft nodes: epoll where available, NIO otherwise. Several nodes (or, later,
 * groups) may share one group; each node runs on one of its loops, which is both its Raft event
 * loop and the loop of all its channels, so inbound messages reach the core without a thread hop.
 */
public final class EventLoops {

    private EventLoops() {
    }

    /** A group of {@code threads} loops named {@code name-N}: epoll on Linux when the native library loads. */
    public static EventLoopGroup newGroup(int threads, String name) {
        DefaultThreadFactory factory = new DefaultThreadFactory(name, true);
        return Epoll.isAvailable() ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
    }

    /** True if the loop belongs to an epoll group. */
    static boolean isEpoll(EventLoop loop) {
        return loop.parent() instanceof EpollEventLoopGroup;
    }

    static Class<? extends SocketChannel> socketChannel(EventLoop loop) {
        return isEpoll(loop) ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    static Class<? extends ServerSocketChannel> serverChannel(EventLoop loop) {
        return isEpoll(loop) ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** The loop as raft-core's {@link LoopExecutor}: {@code RaftNode} ticks on the loop's own scheduler. */
    public static LoopExecutor asLoopExecutor(EventLoop loop) {
        return LoopExecutors.of(loop, loop::inEventLoop);
    }
}
