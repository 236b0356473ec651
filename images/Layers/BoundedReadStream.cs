namespace Bpdp.Images.Layers;

/// <summary>
/// A read-only stream that fails once more than a limit has been read through it: put after a decompressor, it
/// stops a layer that inflates without end. The BCL has no such stream; <see cref="System.IO.Compression"/> leaves
/// bounding the output to its callers. The decompressor's own complaints are prefixed with <paramref name="what"/>, so
/// they say which layer is corrupt.
/// </summary>
internal sealed class BoundedReadStream(Stream inner, long limit, string what, Func<string> refusal) : Stream
{
    private long read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return Counted(inner.Read(buffer));
        }
        catch (InvalidDataException error) when (!error.Message.StartsWith(what, StringComparison.Ordinal))
        {
            throw Named(error);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return Counted(await inner.ReadAsync(buffer, cancellationToken));
        }
        catch (InvalidDataException error) when (!error.Message.StartsWith(what, StringComparison.Ordinal))
        {
            throw Named(error);
        }
    }

    private InvalidDataException Named(InvalidDataException error) => new($"{what}: {error.Message}", error);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Counted(int count)
    {
        read += count;
        return read > limit ? throw new InvalidDataException(refusal()) : count;
    }
}
