return Latent.Cli.CliApp.Run(args);
