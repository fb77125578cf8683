using Latent.Gp.Kernels;
using Latent.Gp.Likelihoods;
using Latent.Noisy;
using Latent.Tests.Cli;
using Latent.Training;
using Latent.Vae;

namespace Latent.Tests.Models;

/// <summary>Pluggable parts are found by name in one registry each, and options, the CLI and config.json read those same names.</summary>
public sealed class RegistryTests
{
    [Fact]
    public void AnUnknownNameIsOneLineListingTheChoicesAndANameCannotBeRegisteredTwice()
    {
        var registry = new Registry<int>("widget").Add("a", "the first", 1).Add("b", "the second", 2);
        Assert.Equal(["a", "b"], registry.Names);
        Assert.Equal(2, registry["b"]);
        Assert.Equal("b", registry.NameWhere(value => value == 2));
        Assert.Equal("a|b", registry.Choices);
        Assert.Equal("a (the first), b (the second)", registry.Help);
        Assert.Equal("unknown widget 'c'; choose one of a, b", Assert.Throws<LatentException>(() => registry["c"]).Message);
        Assert.Equal("unknown widget ''; choose one of a, b", Assert.Throws<LatentException>(() => registry.Require("")).Message);
        Assert.Throws<InvalidOperationException>(() => registry.Add("a", "again", 3));
    }

    [Fact]
    public void EveryRegisteredNameRoundTripsThroughItsOwner()
    {
        foreach (var name in OptimizerSettings.Registry.Names) Assert.Equal(name, OptimizerSettings.NameOf(OptimizerSettings.Registry[name]));
        foreach (var name in VaeOptions.Decoders.Names) Assert.Equal(name, VaeOptions.DecoderName(VaeOptions.ParseDecoder(name)));
        foreach (var name in NoiseModels.Registry.Names) Assert.Equal(name, NoiseModels.NameOf(NoiseModels.Registry[name]));
        Assert.Equal(Enum.GetValues<OptimizerKind>().Length, OptimizerSettings.Registry.Names.Count);
        Assert.Equal(Enum.GetValues<DecoderKind>().Length, VaeOptions.Decoders.Names.Count);
        Assert.Equal(Enum.GetValues<NoiseModel>().Length, NoiseModels.Registry.Names.Count);
        foreach (var name in KernelSpec.Names) Assert.NotNull(KernelSpec.Parse(name, 3, ard: true));
    }

    [Theory]
    [InlineData("--likelihood", "svgp", "train")]
    [InlineData("--decoder", "vae", "train")]
    [InlineData("--optimizer", "mlp")]
    public void TheCliRefusesANameItsRegistryDoesNotHoldAndListsTheRegisteredOnes(string option, params string[] command)
    {
        var (code, error) = CliRunner.Run([.. command, option, "no-such-part"]);
        Assert.Equal(2, code);
        var names = option switch
        {
            "--likelihood" => MulticlassLink.Registry.Names,
            "--decoder" => VaeOptions.Decoders.Names,
            _ => OptimizerSettings.Registry.Names,
        };
        Assert.All(names, name => Assert.Contains(name, error));
    }
}
