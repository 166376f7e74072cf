Console.WriteLine("firmware-sim");
