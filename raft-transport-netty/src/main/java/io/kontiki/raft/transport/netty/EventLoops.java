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

    /** True if {@code group} is an epoll group, or one loop of an epoll group. */
    public static boolean isEpoll(EventLoopGroup group) {
        return group instanceof EpollEventLoopGroup || group.next().parent() instanceof EpollEventLoopGroup;
    }

    /** The client channel class for {@code group} (a group or one of its loops): epoll or NIO, as the group. */
    public static Class<? extends SocketChannel> socketChannel(EventLoopGroup group) {
        return isEpoll(group) ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** The server channel class for {@code group} (a group or one of its loops): epoll or NIO, as the group. */
    public static Class<? extends ServerSocketChannel> serverChannel(EventLoopGroup group) {
        return isEpoll(group) ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** The loop as raft-core's {@link LoopExecutor}: {@code RaftNode} ticks on the loop's own scheduler. */
    public static LoopExecutor asLoopExecutor(EventLoop loop) {
        return LoopExecutors.of(loop, loop::inEventLoop);
    }
}
