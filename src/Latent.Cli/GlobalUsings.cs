// The namespaces most files of this project use, imported once for all of them.
global using System.CommandLine;
global using System.Globalization;
global using Latent.Cli.Infrastructure;
global using Latent.Data;
global using Latent.IO;
