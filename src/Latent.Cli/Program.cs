System.Console.WriteLine(Latent.LatentRuntime.Initialize());
