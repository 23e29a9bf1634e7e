package tunnel

import (
	"fmt"
	"net"
	"sync"
)

// pumpListener sits between the ngrok endpoint and the caller's http.Server. A goroutine accepts
// from the endpoint all the time. Why: the library hands each proxied connection over an unbuffered
// channel while holding the tunnel's shutdown lock, so if nobody accepts (the server already
// stopped), closing the endpoint would hang. The pump keeps draining, and drops connections once
// the listener is closed.
type pumpListener struct {
	src    net.Listener
	conns  chan net.Conn
	closed chan struct{} // Close was called: stop handing out connections
	exited chan struct{} // the pump goroutine returned
	once   sync.Once
	onDead func(error) // called when the endpoint fails while the listener is still open

	mu  sync.Mutex
	err error
}

func newPumpListener(src net.Listener, onDead func(error)) *pumpListener {
	l := &pumpListener{
		src:    src,
		conns:  make(chan net.Conn),
		closed: make(chan struct{}),
		exited: make(chan struct{}),
		onDead: onDead,
	}
	go l.pump()
	return l
}

func (l *pumpListener) pump() {
	defer close(l.exited)
	for {
		c, err := l.src.Accept()
		if err != nil {
			l.mu.Lock()
			l.err = err
			l.mu.Unlock()
			select {
			case <-l.closed:
			default:
				l.onDead(err)
			}
			return
		}
		select {
		case l.conns <- c:
		case <-l.closed:
			_ = c.Close()
		}
	}
}

func (l *pumpListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	case <-l.exited:
		l.mu.Lock()
		defer l.mu.Unlock()
		return nil, fmt.Errorf("ngrok endpoint closed: %v: %w", l.err, net.ErrClosed)
	}
}

// Close stops handing out connections; the endpoint itself is closed by the tunnel.
func (l *pumpListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *pumpListener) Addr() net.Addr { return l.src.Addr() }

// wait blocks until the pump goroutine has returned (after the endpoint is closed).
func (l *pumpListener) wait() { <-l.exited }
