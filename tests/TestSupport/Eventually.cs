namespace FrigoCoop.TestSupport;

/// <summary>Thrown by a probe when waiting longer cannot help (the process under test has exited).</summary>
public sealed class GiveUpException(string message) : Exception(message);

/// <summary>Waits for a condition instead of sleeping a guessed time.</summary>
public static class Eventually
{
    public static async Task<T> Returns<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last = default!;
        Exception? lastError = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await probe();
                if (done(last)) return last;
                lastError = null;
            }
            catch (Exception e) when (e is not OperationCanceledException and not GiveUpException)
            {
                lastError = e;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#}s waiting for {what}; last value: {last}", lastError);
    }

    public static Task Holds(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        Returns(condition, ok => ok, timeout, what);
}
