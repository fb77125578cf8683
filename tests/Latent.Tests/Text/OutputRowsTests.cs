using Latent.Text;

namespace Latent.Tests.Text;

public class OutputRowsTests
{
    private const int Stride = 16;

    [Fact]
    public void EachThreadsChangeToItsPrivateRowsReachesTheSharedMatrixAtPublicationAndNoneIsLost()
    {
        var shared = Enumerable.Range(0, 4 * Stride).Select(i => (float)i).ToArray();
        var (first, second) = (new OutputRows(shared, Stride, 1, 2), new OutputRows(shared, Stride, 1, 2));
        var row = first.Row(1, out int offset);
        Assert.NotSame(shared, row);
        row[offset] += 10;
        var other = second.Row(1, out int otherOffset);
        other[otherOffset] += 100;
        Assert.Equal(Stride, shared[Stride]);
        first.Publish();
        Assert.Equal(Stride + 10, shared[Stride]);
        second.Publish();
        Assert.Equal(Stride + 110, shared[Stride]);
        Assert.Equal(Stride + 110, second.Row(1, out otherOffset)[otherOffset]);
        first.Publish();
        Assert.Equal(Stride + 110, first.Row(1, out offset)[offset]);
        Assert.Equal(Stride + 110, shared[Stride]);
    }

    [Fact]
    public void RowsOutsideThePrivateBlockAreTheSharedMatrixItself()
    {
        var shared = new float[4 * Stride];
        var rows = new OutputRows(shared, Stride, 1, 2);
        Assert.Same(shared, rows.Row(0, out int offset));
        Assert.Equal(0, offset);
        Assert.Same(shared, rows.Row(3, out offset));
        Assert.Equal(3 * Stride, offset);
        var all = new OutputRows(shared, Stride);
        Assert.Same(shared, all.Row(2, out offset));
        Assert.Equal(2 * Stride, offset);
        Assert.Throws<ArgumentOutOfRangeException>(() => new OutputRows(shared, Stride, 3, 2));
    }
}
