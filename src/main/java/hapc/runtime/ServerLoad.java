package hapc.runtime;

/** Current sessions ({@code scur}) and queued requests ({@code qcur}) of a server in one worker. */
public record ServerLoad(long sessions, long queued) {
    public static final ServerLoad NONE = new ServerLoad(0, 0);

    public ServerLoad plus(ServerLoad other) {
        return new ServerLoad(sessions + other.sessions, queued + other.queued);
    }

    public boolean idle() {
        return sessions == 0 && queued == 0;
    }
}
