using Latent.Data;
using static TorchSharp.torch;

namespace Latent.Tests.Data;

public class DeskewTests : TorchTest
{
    private const int Size = 28;

    [Fact]
    public void ShearIsTheInkCovarianceOverTheRowVariance()
    {
        var slanted = Slanted(0.5);
        var (_, _, rowVariance, covariance) = LoopMoments(slanted);
        using var images = Images(slanted);
        using var shear = Deskew.Shear(images, Size, Size);
        Assert.Equal(covariance / rowVariance, shear.item<double>(), 9);
        Assert.InRange(shear.item<double>(), 0.45, 0.55);
    }

    [Fact]
    public void ASlantedStrokeComesOutUprightAndCentred()
    {
        using var images = Images(Slanted(0.5), Slanted(-0.3));
        using var deskewed = Deskew.Images(images, Size, Size);
        for (var i = 0; i < 2; i++)
        {
            var (rowCentre, columnCentre, rowVariance, covariance) = LoopMoments(deskewed[i].data<float>().ToArray());
            Assert.InRange(Math.Abs(covariance / rowVariance), 0, 0.03);
            Assert.InRange(rowCentre, 13.3, 13.7);
            Assert.InRange(columnCentre, 13.3, 13.7);
        }
    }

    [Fact]
    public void AnUprightOffCentreBlockIsOnlyShiftedToTheCentre()
    {
        using var images = Images(Block(2, 3), Block(9, 11));
        using var deskewed = Deskew.Images(images, Size, Size);
        var expected = Block(9, 11);
        Assert.Equal(expected, deskewed[0].data<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-5);
        Assert.Equal(expected, deskewed[1].data<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Fact]
    public void ABlankImageStaysBlank()
    {
        using var images = zeros(3, Size * Size);
        using var deskewed = Deskew.Images(images, Size, Size);
        Assert.Equal(0f, deskewed.abs().max().item<float>());
    }

    [Fact]
    public void ImagesOfTheWrongWidthAreRefused()
    {
        using var images = zeros(2, 100);
        var error = Assert.Throws<LatentException>(() => Deskew.Images(images, Size, Size));
        Assert.Contains("[N, 784]", error.Message);
    }

    /// <summary>A 3-pixel-wide stroke over rows 4–23 whose column drifts by <paramref name="slope"/> per row, left of centre.</summary>
    private static float[] Slanted(double slope)
    {
        var image = new float[Size * Size];
        for (var r = 4; r <= 23; r++)
            for (var c = 0; c < Size; c++)
                if (Math.Abs(c - (11 + slope * (r - 13.5))) <= 1.5) image[r * Size + c] = 1f;
        return image;
    }

    /// <summary>A 10×6 block of ink whose top-left pixel is (top, left).</summary>
    private static float[] Block(int top, int left)
    {
        var image = new float[Size * Size];
        for (var r = top; r < top + 10; r++)
            for (var c = left; c < left + 6; c++)
                image[r * Size + c] = 1f;
        return image;
    }

    private static Tensor Images(params float[][] images) =>
        tensor(images.SelectMany(x => x).ToArray(), new long[] { images.Length, Size * Size });

    /// <summary>Centre of mass, row variance and row–column covariance of one image's ink, by plain loops.</summary>
    private static (double RowCentre, double ColumnCentre, double RowVariance, double Covariance) LoopMoments(float[] image)
    {
        double total = 0, rowSum = 0, columnSum = 0;
        for (var r = 0; r < Size; r++)
            for (var c = 0; c < Size; c++)
            {
                total += image[r * Size + c];
                rowSum += r * image[r * Size + c];
                columnSum += c * image[r * Size + c];
            }
        double rowCentre = rowSum / total, columnCentre = columnSum / total, rowVariance = 0, covariance = 0;
        for (var r = 0; r < Size; r++)
            for (var c = 0; c < Size; c++)
            {
                rowVariance += image[r * Size + c] * (r - rowCentre) * (r - rowCentre);
                covariance += image[r * Size + c] * (r - rowCentre) * (c - columnCentre);
            }
        return (rowCentre, columnCentre, rowVariance / total, covariance / total);
    }
}
